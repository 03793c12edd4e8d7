/**
 * Builds pwa/dist/: the hashed ESM shell and feature chunks, the import worker,
 * index.html, the web manifest, icons, and the service worker with its precache
 * manifest.
 * Prints gzip sizes of the critical path and of all JS (budget: DESIGN §8).
 */
import * as esbuild from 'esbuild';
import { injectManifest } from 'workbox-build';
import { gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync, mkdirSync, rmSync, cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(fileURLToPath(import.meta.url));
const DIST = join(ROOT, 'dist');
const ASSETS = join(DIST, 'assets');
// The oldest engines with DecompressionStream, which pack install needs anyway;
// esbuild lowers newer syntax for the cheap phones' older WebViews.
const TARGET = ['chrome80', 'firefox113', 'safari16.4'];
const BUDGET_CRITICAL = 60 * 1024;
const BUDGET_JS = 150 * 1024;
// The QR decoder (features/route/qr-decoder.js and zxing-wasm's wasm): fetched on first
// use of a route, never at install, so it counts apart from the app's JS.
const BUDGET_SCANNER = 450 * 1024;
// The screen at `#/`, whose code index.html preloads (see buildApp).
const FIRST_SCREEN = 'src/features/home/home.js';
const SCANNER_FILE = /^(qr-decoder-[A-Z0-9]{8}\.js|zxing_reader-[A-Z0-9]{8}\.wasm)$/;

const MANIFEST = {
  name: '学点',
  short_name: '学点',
  description: '学点：乡村终身学习，离线也能学。Learn anywhere, even offline.',
  lang: 'zh-CN',
  dir: 'ltr',
  id: '/',
  start_url: '/?source=pwa',
  scope: '/',
  display: 'standalone',
  orientation: 'portrait',
  theme_color: '#0b5d1e',
  background_color: '#ffffff',
  icons: [
    { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
};

const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

// The import worker is its own bundle, built first so the app can be told its
// hashed URL. A classic worker (IIFE): Firefox runs module workers only from 114.
async function buildImportWorker() {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { 'import-worker': 'src/workers/import-worker.js' },
    bundle: true,
    format: 'iife',
    minify: true,
    target: TARGET,
    outdir: ASSETS,
    entryNames: '[name]-[hash]',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const [out] = Object.keys(result.metafile.outputs).filter((o) => o.endsWith('.js'));
  return `/${relative(DIST, join(ROOT, out)).split('\\').join('/')}`;
}

// A module and every chunk it imports statically, transitively (in an esbuild metafile).
function closureOf(outputs, start) {
  const seen = new Set([start]);
  for (const out of seen) {
    for (const i of outputs[out].imports) if (i.kind === 'import-statement') seen.add(i.path);
  }
  return seen;
}

/**
 * An esbuild plugin that puts the shell and the first screen into one chunk.
 *
 * esbuild splits code by the set of entry points (the entry and every import() target)
 * that reach it, so the modules the entry and the home screen need came out as some thirty
 * small chunks: thirty requests, each with its headers, on a 400 ms link. Here every
 * import() target, and the entry, first imports `xuedian:first-screen`, a module importing
 * all of them.
 * Those modules are then reached from every entry point, so they share one chunk. This
 * costs nothing at run time: the entry has loaded that chunk before any import() runs.
 * @param {Set<string>} firstScreen the modules (absolute paths) of the entry and home screen
 * @param {Set<string>} lazy the absolute paths of the entry and every import() target
 */
function firstScreenChunk(firstScreen, lazy) {
  const NAME = 'xuedian:first-screen';
  return {
    name: 'first-screen-chunk',
    setup(build) {
      build.onResolve({ filter: /^xuedian:first-screen$/ }, () => ({ path: NAME, namespace: 'first-screen' }));
      build.onLoad({ filter: /.*/, namespace: 'first-screen' }, () => ({
        contents: [...firstScreen].map((f) => `import ${JSON.stringify(f)};`).join('\n'),
        resolveDir: ROOT,
        loader: 'js',
      }));
      build.onLoad({ filter: /\.m?js$/ }, async (args) => {
        if (args.path.includes('node_modules')) return undefined;
        const source = readFileSync(args.path, 'utf8');
        const inlined = inlineFirstScreenImports(source, args.path, firstScreen);
        if (!lazy.has(args.path) && inlined === source) return undefined;
        const prefix = lazy.has(args.path) ? `import ${JSON.stringify(NAME)};\n` : '';
        return { contents: prefix + inlined, loader: 'js' };
      });
    },
  };
}

/**
 * Turn `import('./x.js')` of a module that is in the first screen's chunk into a static
 * import and `Promise.resolve(namespace)`: the chunk is loaded before any such call, so the
 * dynamic import would only add a tiny file (and a round trip) that re-exports it. The home
 * screen itself (router.js) and the sync's changes feed (app/sync.js) are such imports.
 * Comment lines (JSDoc's `import('…')` types) are left alone.
 * @param {string} source
 * @param {string} file absolute path of the module
 * @param {Set<string>} firstScreen
 * @returns {string}
 */
function inlineFirstScreenImports(source, file, firstScreen) {
  const statics = [];
  const lines = source.split('\n').map((line) => {
    if (/^\s*(\*|\/\/|\/\*)/.test(line)) return line;
    return line.replace(/\bimport\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*\)/g, (call, _q, spec) => {
      if (!firstScreen.has(join(dirname(file), spec))) return call;
      const name = `__xuedianFirstScreen${statics.length}`;
      statics.push(`import * as ${name} from ${JSON.stringify(spec)};`);
      return `Promise.resolve(${name})`;
    });
  });
  return statics.length ? `${statics.join('\n')}\n${lines.join('\n')}` : source;
}

async function buildApp(importWorkerUrl) {
  const options = {
    absWorkingDir: ROOT,
    entryPoints: { main: 'src/app/main.js' },
    define: { XUEDIAN_IMPORT_WORKER_URL: JSON.stringify(importWorkerUrl) },
    bundle: true,
    format: 'esm',
    splitting: true,
    minify: true,
    target: TARGET,
    outdir: ASSETS,
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    loader: { '.wasm': 'file' },
    publicPath: '/assets',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  };
  // First pass, not written: which modules the entry and the home screen need, and which
  // modules are import() targets.
  const probe = (await esbuild.build({ ...options, write: false })).metafile;
  const main = Object.keys(probe.outputs).find((o) => probe.outputs[o].entryPoint === 'src/app/main.js');
  const homeOut = Object.keys(probe.outputs).find((o) => probe.outputs[o].entryPoint === FIRST_SCREEN);
  if (!homeOut) throw new Error(`no chunk for the first screen ${FIRST_SCREEN}`);
  const firstModules = new Set();
  for (const out of [...closureOf(probe.outputs, main), ...closureOf(probe.outputs, homeOut)]) {
    for (const input of Object.keys(probe.outputs[out].inputs)) {
      if (/\.m?js$/.test(input) && input !== 'src/app/main.js') firstModules.add(join(ROOT, input));
    }
  }
  // The entry too, so the home screen's modules join the entry's chunk rather than a second one.
  const lazy = new Set([join(ROOT, 'src/app/main.js')]);
  for (const meta of Object.values(probe.inputs)) {
    for (const i of meta.imports) if (i.kind === 'dynamic-import' && !i.external) lazy.add(join(ROOT, i.path));
  }
  const result = await esbuild.build({ ...options, plugins: [firstScreenChunk(firstModules, lazy)] });
  const outputs = result.metafile.outputs;
  const url = (out) => `/${relative(DIST, join(ROOT, out)).split('\\').join('/')}`;
  const entry = Object.entries(outputs).find(([, o]) => o.entryPoint === 'src/app/main.js');
  const [entryOut, entryMeta] = entry;
  const css = entryMeta.cssBundle;
  const closure = (start) => closureOf(outputs, start);
  // Everything the entry imports statically loads before first paint, so it counts too.
  const staticClosure = closure(entryOut);
  // The home screen (route `#/`) is the first screen. Its chunk and the chunks it imports
  // are preloaded beside the entry, so its code arrives in the round trip after index.html
  // instead of a chain of module loads (entry, then home, then its imports) on a 400 ms link.
  // (With the plugin above the home screen is inside the entry's closure and has no chunk
  // of its own; should it ever have one again, it is preloaded.)
  const home = Object.entries(outputs).find(([, o]) => o.entryPoint === FIRST_SCREEN);
  const firstScreen = home ? [...closure(home[0])].filter((o) => !staticClosure.has(o)) : [];
  const homeInputs = new Set([...staticClosure, ...firstScreen].flatMap((o) => Object.keys(outputs[o].inputs)));
  if (!homeInputs.has(FIRST_SCREEN)) throw new Error(`the first screen ${FIRST_SCREEN} is not preloaded`);
  const preload = [...staticClosure].filter((o) => o !== entryOut).concat(firstScreen);
  return { entryOut, css, preload: preload.map(url), url, staticJs: [...staticClosure, ...firstScreen] };
}

function writeIndex({ entryOut, css, preload, url }) {
  const template = readFileSync(join(ROOT, 'src/app/index.html'), 'utf8');
  const cssTag = css ? `<link rel="stylesheet" href="${url(css)}">` : '';
  const jsTags = [
    `<script type="module" src="${url(entryOut)}"></script>`,
    ...preload.map((p) => `<link rel="modulepreload" href="${p}">`),
  ].join('\n  ');
  const html = template.replace('<!-- xuedian:css -->', cssTag).replace('<!-- xuedian:js -->', jsTags);
  if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html) || /\son[a-z]+=/i.test(html)) {
    throw new Error('index.html must stay free of inline scripts and handlers (strict CSP)');
  }
  writeFileSync(join(DIST, 'index.html'), html);
}

async function buildServiceWorker() {
  const tmp = join(DIST, '.sw-src.js');
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['service-worker/sw.js'],
    bundle: true,
    format: 'iife',
    minify: true,
    target: TARGET,
    outfile: tmp,
    // Workbox strips its debug logging when this is 'production'.
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'warning',
  });
  const { count, size, warnings } = await injectManifest({
    swSrc: tmp,
    swDest: join(DIST, 'sw.js'),
    globDirectory: DIST,
    globPatterns: ['index.html', 'manifest.webmanifest', 'assets/**/*.{js,css}', 'icons/*.png'],
    globIgnores: ['assets/qr-decoder-*.js'],
    modifyURLPrefix: { '': '/' },
    // esbuild already put a content hash in these names.
    dontCacheBustURLsMatching: /^\/assets\/.+-[A-Z0-9]{8}\.(js|css)$/,
  });
  rmSync(tmp);
  for (const w of warnings) console.warn(`workbox: ${w}`);
  return { count, size };
}

function report(app, precache) {
  const files = (dir) => readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
  const scanner = files(ASSETS).filter((f) => SCANNER_FILE.test(relative(ASSETS, f)));
  const allJs = files(ASSETS).filter((f) => f.endsWith('.js') && !scanner.includes(f));
  const critical = [join(DIST, 'index.html'), ...app.staticJs.map((f) => join(ROOT, f)), ...(app.css ? [join(ROOT, app.css)] : [])];
  const criticalGz = critical.reduce((n, f) => n + gz(f), 0);
  const allJsGz = allJs.reduce((n, f) => n + gz(f), 0);
  const swGz = gz(join(DIST, 'sw.js'));
  console.log('\nxuedian pwa build');
  for (const f of [...critical, ...allJs.filter((f) => !critical.includes(f))]) {
    console.log(`  ${relative(DIST, f).padEnd(40)} ${kb(statSync(f).size).padStart(9)}  gzip ${kb(gz(f)).padStart(8)}`);
  }
  console.log(`  ${'sw.js'.padEnd(40)} ${kb(statSync(join(DIST, 'sw.js')).size).padStart(9)}  gzip ${kb(swGz).padStart(8)}`);
  console.log(`critical path (index.html + entry JS, the first screen and their static imports + CSS), gzip: ${criticalGz} bytes (${kb(criticalGz)}; budget ${kb(BUDGET_CRITICAL)})`);
  console.log(`all JS (${allJs.length} files), gzip: ${allJsGz} bytes (${kb(allJsGz)}; budget ${kb(BUDGET_JS)})`);
  const scannerGz = scanner.reduce((n, f) => n + gz(f), 0);
  console.log(`scanner on first use (${scanner.map((f) => relative(ASSETS, f)).join(' + ')}), gzip: ${scannerGz} bytes (${kb(scannerGz)}; budget ${kb(BUDGET_SCANNER)})`);
  console.log(`service worker, gzip: ${swGz} bytes; precache: ${precache.count} files, ${kb(precache.size)}`);
  if (criticalGz > BUDGET_CRITICAL || allJsGz > BUDGET_JS || scannerGz > BUDGET_SCANNER || scanner.length !== 2) {
    console.error('size budget exceeded');
    process.exitCode = 1;
  }
}

rmSync(DIST, { recursive: true, force: true });
mkdirSync(ASSETS, { recursive: true });
const app = await buildApp(await buildImportWorker());
writeIndex(app);
writeFileSync(join(DIST, 'manifest.webmanifest'), `${JSON.stringify(MANIFEST, null, 2)}\n`);
cpSync(join(ROOT, 'src/app/icons'), join(DIST, 'icons'), { recursive: true });
const precache = await buildServiceWorker();
report(app, precache);
