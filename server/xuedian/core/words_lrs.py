"""Words of the LRS page (lrs/pages.py), in both languages; kept apart from words_zh.py
and words_en.py for length alone."""

from __future__ import annotations

ZH: dict[str, str] = {
    "nav_lrs": "学习记录接口",
    "lrs.title": "学习记录接口（xAPI）",
    "lrs.intro": "其他平台和第三方课程用这里的账号，通过 xAPI 读写本县的学习记录。"
    "手机同步来的记录也能在这里读到，只用化名，不含姓名和电话。",
    "lrs.endpoint": "接口地址：",
    "lrs.clients": "接入账号",
    "lrs.no_clients": "还没有接入账号。",
    "lrs.key": "账号",
    "lrs.secret": "密钥",
    "lrs.created": "建立于",
    "lrs.active": "可用",
    "lrs.revoked_at": "已于 {when} 停用",
    "lrs.revoke": "停用 {name}",
    "lrs.done_revoked": "已停用：这个账号的下一次请求会被拒绝。",
    "lrs.made": "已建立接入账号 {name}。请把账号和密钥交给对方：",
    "lrs.secret_hint": "密钥只显示这一次，请现在抄下或复制。县里只保存它的摘要，以后查不到。",
    "lrs.add_title": "新建接入账号",
    "lrs.name": "名称（对方是谁）",
    "lrs.name_hint": "例如 “清水慕课”。每个对方一个账号，以后可以单独停用。",
    "lrs.add": "建立账号",
    "lrs.err.name": "请填写名称，最多 80 个字，不能含特殊控制字符。",
    "lrs.err.exists": "已经有同名的接入账号，请换一个名称。",
    "lrs.activity": "第三方学习活动",
    "lrs.activity_intro": "第三方课程发来的记录，按动作和活动统计（已作废的不算）。"
    "这些记录不会改变手机同步来的学习记录。",
    "lrs.no_activity": "还没有第三方发来的记录。",
    "lrs.verb": "动作",
    "lrs.object": "活动",
    "lrs.statements": "记录数",
    "lrs.last_stored": "最近收到",
    "action.lrs-client-add": "新建学习记录接口账号",
    "action.lrs-client-revoke": "停用学习记录接口账号",
}

EN: dict[str, str] = {
    "nav_lrs": "Learning records API",
    "lrs.title": "Learning records API (xAPI)",
    "lrs.intro": "Other platforms and third-party courses sign in here with a client account "
    "to read and write the county's learning records over xAPI. Records synced from phones "
    "are readable here too, under pseudonyms, never with names or phone numbers.",
    "lrs.endpoint": "Endpoint:",
    "lrs.clients": "Clients",
    "lrs.no_clients": "No clients yet.",
    "lrs.key": "Key",
    "lrs.secret": "Secret",
    "lrs.created": "Created",
    "lrs.active": "Active",
    "lrs.revoked_at": "Revoked {when}",
    "lrs.revoke": "Revoke {name}",
    "lrs.done_revoked": "Revoked: the client's next request is refused.",
    "lrs.made": "Client {name} is made. Give the key and the secret to its owner:",
    "lrs.secret_hint": "The secret is shown only this once: copy it now. The county keeps only "
    "its hash and cannot show it again.",
    "lrs.add_title": "Add a client",
    "lrs.name": "Name (who it is for)",
    "lrs.name_hint": "For example “Qingshui MOOC”. One client per third party, so each can be "
    "revoked alone.",
    "lrs.add": "Add the client",
    "lrs.err.name": "Give a name of at most 80 characters, without control characters.",
    "lrs.err.exists": "A client of that name exists already: choose another name.",
    "lrs.activity": "Third-party activity",
    "lrs.activity_intro": "Statements third-party content posted, counted per verb and "
    "activity (voided ones left out). They never change what phones synced.",
    "lrs.no_activity": "No third-party statements yet.",
    "lrs.verb": "Verb",
    "lrs.object": "Activity",
    "lrs.statements": "Statements",
    "lrs.last_stored": "Last received",
    "action.lrs-client-add": "Added an LRS client",
    "action.lrs-client-revoke": "Revoked an LRS client",
}
