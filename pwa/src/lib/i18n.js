/**
 * User-facing text. Owns the zh-CN (default) and en message catalogs and the
 * chosen language (localStorage `xuedian-lang`). Every error code the app can
 * show has text in both languages.
 */

const zh = {
  'app.name': '学点',
  'lang.toggle': 'English',
  'lang.toggleLabel': '切换到英文',
  'nav.back': '返回',
  'sync.waiting': '条待同步',
  'sync.last': '上次同步',
  'sync.never': '从未同步',
  'sync.offline': '离线',
  'sync.now': '立即同步',
  'sync.syncing': '正在同步…',
  'sync.quarantined': '条记录未被接受：',
  'sync.export': '导出同步文件',
  'sync.exporting': '正在导出…',
  'sync.exported': '已导出 {n} 条记录，请交给志愿者。',
  'sync.exportEmpty': '没有待同步的记录，不需要导出。',
  'update.ready': '新版本已准备好。学完后再更新也可以。',
  'update.apply': '更新应用',
  'catalog.title': '课程目录',
  'catalog.loading': '正在加载课程…',
  'catalog.empty': '暂时没有课程。',
  'catalog.offline': '现在离线，显示的是上次保存的课程目录。',
  'catalog.expired': '课程目录已过期，连网后会更新。',
  'catalog.size': '大小',
  'catalog.download': '下载',
  'catalog.downloading': '正在下载',
  'catalog.installed': '已下载',
  'catalog.update': '更新',
  'catalog.open': '打开',
  'catalog.credits': '学时',
  'catalog.storage': '已用存储',
  'catalog.persistDenied': '手机可能在空间不足时清除已下载的课程。',
  'dl.running': '下载中',
  'dl.waiting': '等待网络',
  'dl.paused': '已暂停',
  'dl.failed': '下载失败',
  'dl.installed': '已安装',
  'dl.updatable': '可更新',
  'dl.pause': '暂停',
  'dl.resume': '继续',
  'dl.cancel': '取消',
  'dl.redownload': '重新下载',
  'dl.updateSize': '更新',
  'dl.storageLeft': '手机剩余空间',
  'dl.storageUsed': '学点已用',
  'dl.needSpace': '这门课需要 {need}，手机只剩 {free}。',
  'dl.progressLabel': '下载进度',
  'lesson.audio': '听课文朗读',
  'pack.lessons': '课程内容',
  'pack.notInstalled': '这门课还没有下载。',
  'pack.goCatalog': '去课程目录下载',
  'pack.progress': '已学完 {done}/{total} 课',
  'pack.done': '已学完',
  'inbox.title': '消息',
  'inbox.unread': '{n} 条未读',
  'inbox.new': '新',
  'inbox.markRead': '全部标为已读',
  'totals.line': '我的学习：学完 {lessons} 课 · {hours} 小时 · 学分 {credits}',
  'import.ackDone': '已确认 {n} 条记录，已从手机上清除。',
  'import.ackNone': '这个确认文件里的记录都已经清除过了，手机上没有要清除的。',
  'lesson.complete': '完成',
  'lesson.completeLabel': '标记本课已完成',
  'lesson.saved': '已保存学习记录，会自动同步。',
  'lesson.notFound': '找不到这一课，请重新下载课程。',
  'lesson.loading': '正在打开…',
  'error.retry': '重试',
  'import.title': '从文件导入',
  'import.link': '从文件导入课程或确认文件',
  'import.intro': '从内存卡、微信或 QQ 收到的课程文件（.xdpack）可以在这里导入，不需要网络。志愿者带回的同步确认文件（.xdack）也在这里导入，导入后已交给县里的记录会从手机上清除。',
  'import.choose': '选择文件 (.xdpack 或 .xdack)',
  'import.running': '正在检查并导入…',
  'import.done': '导入成功',
  'import.version': '版本',
  'import.open': '打开课程',
  'import.err.pack-archive-invalid': '课程文件已损坏，无法导入。请重新拷贝这个文件。',
  'import.err.blob-hash-mismatch': '课程文件的内容已损坏或被改动过，已拒绝导入。请重新拷贝这个文件。',
  'err.body-not-json': '发送的数据格式不对。',
  'err.body-too-large': '发送的数据太大。',
  'err.validation-failed': '数据没有通过检查。',
  'err.unknown-field': '数据里有无法识别的内容。',
  'err.device-unknown': '服务器不认识这部手机，将重新登记。',
  'err.device-signature-invalid': '这部手机的签名无法验证，请联系学习点志愿者。',
  'err.bundle-invalid': '这个同步文件已损坏或不是学点的同步文件。',
  'err.bundle-too-large': '这个同步文件太大。',
  'err.not-found': '找不到要的内容。',
  'err.method-not-allowed': '不支持这个操作。',
  'err.rate-limited': '操作太频繁，请稍后再试。',
  'err.internal-error': '服务器出了问题，请稍后再试。',
  'err.database-busy': '服务器正忙，学习记录都还在手机里，稍后会自动重试。',
  'err.pack-signature-invalid': '课程签名不正确，已停止安装。',
  'err.pack-key-unknown': '课程来源不受信任，已停止安装。',
  'err.blob-hash-mismatch': '下载的数据已损坏，请重试。',
  'err.file-hash-mismatch': '课程文件已损坏，请重试。',
  'err.pack-mismatch': '课程信息前后不一致，已停止安装。',
  'err.csrf-invalid': '表单已过期，请刷新页面后再试。',
  'err.pack-downgrade': '不能安装比现有版本更旧的课程。',
  'err.relay-not-initialised': '学习点还没有设置县里的密钥。',
  'err.relay-keys-invalid': '县里的密钥文件无效。',
  'err.relay-keys-changed': '县里的密钥变了，学习点需要重新设置。',
  'err.relay-upstream-unreachable': '学习点暂时连不上县里，稍后会再试。',
  'err.relay-catalog-older': '收到的课程目录比现有的旧，已拒绝。',
  'err.network-offline': '没有网络，连网后会自动重试。',
  'err.storage-full': '手机存储空间已满。已保存的学习记录都还在，请清理空间后再试。',
  'err.record-invalid': '这条学习记录不符合要求。',
  'err.unsupported-browser': '这个浏览器太旧，请用系统浏览器打开。',
  'err.bad-request': '请求无法识别。',
  'err.body-gzip-invalid': '压缩数据已损坏。',
  'err.body-encoding-unsupported': '不支持这种数据压缩方式。',
  'err.unauthorized': '需要先登录。',
  'err.device-revoked': '这部手机已被管理员停用，请联系学习点志愿者。',
  'err.batch-too-large': '一次发送的记录太多。',
  'err.batch-id-reused': '同步批次编号重复。',
  'err.record-conflict': '这条记录与服务器上已有的记录不一致。',
  'err.signature-invalid': '签名不正确。',
  'err.key-unknown': '签名密钥不受信任。',
  'err.key-expired': '签名密钥已过期或已停用。',
  'err.pack-key-expired': '课程的签名密钥已过期或已停用，已停止安装。请向志愿者要新版课程。',
  'err.pack-archive-too-large': '课程文件太大（超过 2 GB），不能导入。',
  'err.pack-archive-not-zip': '这不是学点课程文件。请选择以 .xdpack 结尾的文件。',
  'err.pack-already-installed': '这门课的这个版本已经装好了，可以直接打开。',
  'err.pack-import-failed': '导入没有完成。请重新选择文件再试；文件在内存卡上时，导入完成前请不要拔出内存卡。',
  'err.signing-key-missing': '服务器还没有签名密钥。',
  'err.pack-source-invalid': '课程源文件有错误。',
  'err.pack-tool-missing': '制作课程包所需的程序没有安装。',
  'err.pack-archive-invalid': '课程包已损坏。',
  'err.pack-archive-unsafe': '课程包含有不安全的内容，已拒绝。',
  'err.manifest-hash-mismatch': '课程清单与目录不一致，已停止安装。',
  'err.pack-incomplete': '课程文件还不完整，请重新下载。',
  'err.cursor-invalid': '同步位置已失效，将从头重新同步，不会丢失记录。',
  'err.ack-invalid': '这不是学点的确认文件（.xdack），也不是课程文件。没有删除任何记录。',
  'err.ack-signature-invalid': '确认文件的签名不对，可能被改动过或不是本县发的。没有删除任何记录。',
  'err.ack-wrong-device': '这个确认文件是另一部手机的，不能用在这部手机上。没有删除任何记录。',
  // -- home, quiz, my learning, recommendations, catalog search (add keys here) --
  // -- profiles, settings, inbox, topic requests, updates, in-app browser (add keys here) --
  'inapp.title': '请用手机浏览器打开学点',
  'inapp.why': '你现在是在{app}里打开的学点。在这里不能安装学点，下载的课程也可能被清除。',
  'inapp.step1': '点右上角的 ···（三个点）。',
  'inapp.step2': '选「在浏览器中打开」（苹果手机上是「在 Safari 中打开」）。',
  'inapp.step3': '在浏览器里打开菜单，选「添加到主屏幕」或「安装应用」，以后从手机桌面打开学点。',
  'inapp.link': '学点的链接',
  'inapp.copy': '复制链接',
  'inapp.copied': '链接已复制，可以粘贴到浏览器的地址栏里打开。',
  'inapp.copyFailed': '没能自动复制。请长按上面的链接，选「复制」。',
  'inapp.dismiss': '先在这里看',
  'inapp.app.wechat': '微信',
  'inapp.app.qq': 'QQ',
  'inapp.app.weibo': '微博',
  'inapp.app.dingtalk': '钉钉',
  'inapp.app.alipay': '支付宝',
  'inapp.app.douyin': '抖音',
  'push.title': '消息提醒',
  'push.label': '有新消息时在手机上提醒我',
  'push.inboxNote': '不开提醒也不会漏掉消息：每次同步时，县里的消息都会送到收件箱。',
  'push.unavailable': '这部手机现在收不到提醒（在国内很常见）。消息会在同步时送到收件箱。',
  'push.denied': '手机不允许本应用发提醒。可以在浏览器设置里打开。',
  'push.offline': '没有网络，连网后再试。',
  'push.failed': '没能打开提醒，请稍后再试。',
};

/** @type {typeof zh} */
const en = {
  'app.name': 'Xuedian',
  'lang.toggle': '中文',
  'lang.toggleLabel': 'Switch to Chinese',
  'nav.back': 'Back',
  'sync.waiting': 'waiting',
  'sync.last': 'last synced',
  'sync.never': 'never synced',
  'sync.offline': 'Offline',
  'sync.now': 'Sync now',
  'sync.syncing': 'Syncing…',
  'sync.quarantined': 'records were not accepted:',
  'sync.export': 'Export sync file',
  'sync.exporting': 'Exporting…',
  'sync.exported': 'Exported {n} records. Please give the file to a volunteer.',
  'sync.exportEmpty': 'Nothing is waiting to sync; there is nothing to export.',
  'update.ready': 'A new version is ready. You can update after your lesson.',
  'update.apply': 'Update app',
  'catalog.title': 'Courses',
  'catalog.loading': 'Loading courses…',
  'catalog.empty': 'No courses yet.',
  'catalog.offline': 'You are offline; this is the last saved course list.',
  'catalog.expired': 'The course list is out of date; it will update when online.',
  'catalog.size': 'Size',
  'catalog.download': 'Download',
  'catalog.downloading': 'Downloading',
  'catalog.installed': 'Downloaded',
  'catalog.update': 'Update',
  'catalog.open': 'Open',
  'catalog.credits': 'Hours',
  'catalog.storage': 'Storage used',
  'catalog.persistDenied': 'The phone may delete downloaded courses when space runs low.',
  'dl.running': 'Downloading',
  'dl.waiting': 'Waiting for network',
  'dl.paused': 'Paused',
  'dl.failed': 'Download failed',
  'dl.installed': 'Installed',
  'dl.updatable': 'Update available',
  'dl.pause': 'Pause',
  'dl.resume': 'Continue',
  'dl.cancel': 'Cancel',
  'dl.redownload': 'Download again',
  'dl.updateSize': 'Update',
  'dl.storageLeft': 'Space left on phone',
  'dl.storageUsed': 'Xuedian uses',
  'dl.needSpace': 'This course needs {need}; the phone has only {free} left.',
  'dl.progressLabel': 'Download progress',
  'lesson.audio': 'Listen to the lesson',
  'pack.lessons': 'Lessons',
  'pack.notInstalled': 'This course is not downloaded yet.',
  'pack.goCatalog': 'Download it from Courses',
  'pack.progress': '{done} of {total} lessons completed',
  'pack.done': 'completed',
  'inbox.title': 'Messages',
  'inbox.unread': '{n} unread',
  'inbox.new': 'New',
  'inbox.markRead': 'Mark all as read',
  'totals.line': 'My learning: {lessons} lessons · {hours} hours · {credits} credits',
  'import.ackDone': 'Confirmed {n} records; they have been cleared from the phone.',
  'import.ackNone': 'The records in this acknowledgement were cleared already; nothing to clear.',
  'lesson.complete': 'Completed',
  'lesson.completeLabel': 'Mark this lesson completed',
  'lesson.saved': 'Saved. It will sync automatically.',
  'lesson.notFound': 'This lesson is missing; please download the course again.',
  'lesson.loading': 'Opening…',
  'error.retry': 'Try again',
  'import.title': 'Import from a file',
  'import.link': 'Import a course or acknowledgement file',
  'import.intro': 'A course file (.xdpack) from an SD card or a messaging app can be imported here, with no network. So can an acknowledgement file (.xdack) a volunteer brings back: records the county has are then cleared from the phone.',
  'import.choose': 'Choose a file (.xdpack or .xdack)',
  'import.running': 'Checking and importing…',
  'import.done': 'Imported',
  'import.version': 'version',
  'import.open': 'Open the course',
  'import.err.pack-archive-invalid': 'The course file is damaged and cannot be imported. Copy the file again.',
  'import.err.blob-hash-mismatch': 'The course file’s content is damaged or was changed; refused. Copy the file again.',
  'err.body-not-json': 'The data sent was not valid JSON.',
  'err.body-too-large': 'The data sent was too large.',
  'err.validation-failed': 'The data did not pass validation.',
  'err.unknown-field': 'The data contained an unknown field.',
  'err.device-unknown': 'The server does not know this phone; it will register again.',
  'err.device-signature-invalid': 'This phone’s signature could not be verified; ask a volunteer.',
  'err.bundle-invalid': 'This sync file is damaged or is not a Xuedian sync file.',
  'err.bundle-too-large': 'This sync file is too large.',
  'err.not-found': 'Not found.',
  'err.method-not-allowed': 'That action is not allowed.',
  'err.rate-limited': 'Too many requests; please wait a little.',
  'err.internal-error': 'The server had a problem; please try later.',
  'err.database-busy': 'The server is busy; your records are kept and will be sent again shortly.',
  'err.pack-signature-invalid': 'The course signature is invalid; installation stopped.',
  'err.pack-key-unknown': 'The course is from an untrusted source; installation stopped.',
  'err.blob-hash-mismatch': 'Downloaded data was corrupted; please try again.',
  'err.file-hash-mismatch': 'A course file was corrupted; please try again.',
  'err.pack-mismatch': 'The course details do not match; installation stopped.',
  'err.csrf-invalid': 'The form has expired; reload the page and try again.',
  'err.pack-downgrade': 'An older version cannot replace the installed course.',
  'err.relay-not-initialised': 'The learning point has no county keys set up yet.',
  'err.relay-keys-invalid': 'The county key file is not valid.',
  'err.relay-keys-changed': 'The county’s keys changed; the learning point must be set up again.',
  'err.relay-upstream-unreachable': 'The learning point cannot reach the county now; it will try again.',
  'err.relay-catalog-older': 'A course catalog older than the current one was refused.',
  'err.network-offline': 'No network; it will retry when you are online.',
  'err.storage-full': 'Phone storage is full. Saved learning records are kept; free some space and try again.',
  'err.record-invalid': 'This learning record was not valid.',
  'err.unsupported-browser': 'This browser is too old; open the app in the system browser.',
  'err.bad-request': 'The request could not be understood.',
  'err.body-gzip-invalid': 'The compressed data was damaged.',
  'err.body-encoding-unsupported': 'That compression is not supported.',
  'err.unauthorized': 'Please sign in first.',
  'err.device-revoked': 'An administrator turned this phone off; ask a volunteer.',
  'err.batch-too-large': 'Too many records in one batch.',
  'err.batch-id-reused': 'A sync batch id was reused.',
  'err.record-conflict': 'This record differs from the one the server already has.',
  'err.signature-invalid': 'The signature is invalid.',
  'err.key-unknown': 'The signing key is not trusted.',
  'err.key-expired': 'The signing key has expired or been revoked.',
  'err.pack-key-expired': 'The course was signed with a key that has expired or been revoked; installation stopped. Ask a volunteer for a newer copy.',
  'err.pack-archive-too-large': 'The course file is too large (over 2 GB) to import.',
  'err.pack-archive-not-zip': 'This is not a Xuedian course file. Choose a file ending in .xdpack.',
  'err.pack-already-installed': 'This version of the course is installed already; you can open it.',
  'err.pack-import-failed': 'The import did not finish. Choose the file again; keep the SD card in until it is done.',
  'err.signing-key-missing': 'The server has no signing key yet.',
  'err.pack-source-invalid': 'The course source has an error.',
  'err.pack-tool-missing': 'A program needed to build the course is not installed.',
  'err.pack-archive-invalid': 'The course archive is damaged.',
  'err.pack-archive-unsafe': 'The course archive holds unsafe content; refused.',
  'err.manifest-hash-mismatch': 'The course manifest does not match the catalog; installation stopped.',
  'err.pack-incomplete': 'Some course files are missing; please download it again.',
  'err.cursor-invalid': 'The sync position is no longer valid; syncing starts over. No record is lost.',
  'err.ack-invalid': 'This is not a Xuedian acknowledgement file (.xdack) or a course file. No record was deleted.',
  'err.ack-signature-invalid': 'The acknowledgement file’s signature is wrong: it was changed, or is not from this county. No record was deleted.',
  'err.ack-wrong-device': 'This acknowledgement file is for another phone. No record was deleted.',
  // -- home, quiz, my learning, recommendations, catalog search (add keys here) --
  // -- profiles, settings, inbox, topic requests, updates, in-app browser (add keys here) --
  'inapp.title': 'Open Xuedian in your phone’s browser',
  'inapp.why': 'You opened Xuedian inside {app}. It cannot be installed here, and downloaded courses may be cleared.',
  'inapp.step1': 'Tap ··· (three dots) at the top right.',
  'inapp.step2': 'Choose “Open in browser” (on an iPhone: “Open in Safari”).',
  'inapp.step3': 'In the browser, open its menu and choose “Add to Home screen” or “Install app”; then open Xuedian from your home screen.',
  'inapp.link': 'Xuedian’s link',
  'inapp.copy': 'Copy link',
  'inapp.copied': 'Link copied: paste it into the browser’s address bar.',
  'inapp.copyFailed': 'Could not copy it. Press and hold the link above and choose “Copy”.',
  'inapp.dismiss': 'Stay here for now',
  'inapp.app.wechat': 'WeChat',
  'inapp.app.qq': 'QQ',
  'inapp.app.weibo': 'Weibo',
  'inapp.app.dingtalk': 'DingTalk',
  'inapp.app.alipay': 'Alipay',
  'inapp.app.douyin': 'Douyin',
  'push.title': 'Notifications',
  'push.label': 'Tell me on this phone when a message arrives',
  'push.inboxNote': 'You miss nothing without them: every county message reaches the inbox when the phone syncs.',
  'push.unavailable': 'This phone cannot receive notifications now (common in mainland China). Messages arrive in the inbox when it syncs.',
  'push.denied': 'Notifications are blocked for this app. You can allow them in the browser settings.',
  'push.offline': 'No network; try again when you are online.',
  'push.failed': 'Notifications could not be turned on; please try again later.',
};

/** @type {Record<string, typeof zh>} */
export const CATALOGS = { 'zh-CN': zh, en };
const STORAGE_KEY = 'xuedian-lang';
/** @type {Set<() => void>} */
const listeners = new Set();

function initialLang() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && CATALOGS[saved]) return saved;
  } catch {
    // Storage may be blocked; fall back to the browser language.
  }
  const nav = (navigator.language || 'zh-CN').toLowerCase();
  return nav.startsWith('en') ? 'en' : 'zh-CN';
}

let lang = initialLang();

/** @returns {'zh-CN' | 'en'} the current language */
export function getLang() {
  return /** @type {'zh-CN' | 'en'} */ (lang);
}

/**
 * Switch language, remember it and tell subscribers.
 * @param {string} next
 */
export function setLang(next) {
  if (!CATALOGS[next]) return;
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered, but still switched for this visit.
  }
  document.documentElement.lang = next;
  listeners.forEach((fn) => fn());
}

/**
 * @param {() => void} fn called after the language changes
 * @returns {() => void} unsubscribe
 */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Text for a message key in the current language.
 * @param {keyof typeof zh} key
 * @returns {string}
 */
export function t(key) {
  return CATALOGS[lang][key] ?? zh[key] ?? key;
}

/**
 * Text for an error code; unknown codes fall back to the server's message.
 * @param {string} code
 * @param {string} [fallback]
 * @returns {string}
 */
export function errorText(code, fallback) {
  const key = `err.${code}`;
  return CATALOGS[lang][key] ?? fallback ?? CATALOGS[lang]['err.internal-error'];
}

/**
 * Pick the current language out of a `{zh-CN, en}` object from a manifest.
 * @param {Record<string, string> | string | undefined} text
 * @returns {string}
 */
export function pick(text) {
  if (!text || typeof text === 'string') return text || '';
  return text[lang] || text['zh-CN'] || text.en || Object.values(text)[0] || '';
}
