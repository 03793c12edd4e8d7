/**
 * Service-worker entry: wires events only; strategies live in sibling modules.
 * /api/ has no route on purpose, so the API always goes to the network and is
 * never cached here.
 */
import { setupShell, setupNavigation } from './shell.js';
import { setupContentRoute } from './content.js';
import { setupScannerRoute } from './scanner.js';
import { onSync } from './outbox-sync.js';
import { onMessage, setupLifecycle } from './lifecycle.js';
import { onPush, onNotificationClick } from './push.js';

// Sets self.XUEDIAN_KEYS_REVISION; the browser checks it for changes on every
// update check, so new signing keys bring a new worker.
importScripts('/sw-keys.js');

setupLifecycle();
setupShell();
setupContentRoute();
setupScannerRoute();
setupNavigation();
self.addEventListener('message', onMessage);
self.addEventListener('sync', onSync);
self.addEventListener('push', onPush);
self.addEventListener('notificationclick', onNotificationClick);
