/** The `html` tagged template (htm bound to Preact). Owns no data. */
import { h } from 'preact';
import htm from 'htm';

/** Tagged template that builds Preact elements, so no JSX build step is needed. */
export const html = htm.bind(h);
