"""Problem answers in Chinese for the surfaces people use (app, kiosk): the same status and
fields, with a title and detail a person can act on.

A surface registers its blueprints with `speak_chinese`; `problem_response` then asks
`translate` for every error answered on them. A domain error may carry its own Chinese
sentence (`zh`); otherwise its kind, and failing that its status, gives one.
"""

import re

from flask import Flask, current_app, has_request_context, request

BY_KIND = {
    "Unauthorized": "身份验证未通过或已过期，请重新登录（或重新放置身份证）。",
    "PermissionDenied": "您没有办理此项业务的权限。",
    "QueryNotFound": "没有找到这次查询，请重新查询。",
    "RequestNotFound": "没有找到这份申请，请核对申请编号。",
    "CertificateNotFound": "没有找到这份证明，请核对证明编号。",
    "IncompleteCoverage": "还有档案馆暂未答复，暂时不能出具无档案记载证明，请稍后再试。",
    "WrongState": "这份申请当前所处的环节不能办理此项操作。",
    "InvalidInput": "填写的信息有误，请按提示修改后再提交。",
    "RateLimited": "操作过于频繁，请稍候一分钟再试。",
    "SessionEnded": "本次服务已结束，请重新放置身份证。",
}
BY_STATUS = {
    400: "请求有误，请重试。",
    401: BY_KIND["Unauthorized"],
    403: BY_KIND["PermissionDenied"],
    404: "没有找到您要的内容。",
    405: "不支持这种操作。",
    409: "当前状态下不能办理此项操作。",
    413: "提交的内容过大。",
    415: "提交的内容格式不对。",
    422: BY_KIND["InvalidInput"],
    429: BY_KIND["RateLimited"],
    503: "系统繁忙，请稍后再试。",
}
TITLES = {401: "需要验证身份", 403: "无权办理", 404: "未找到", 409: "暂不能办理",
          422: "信息有误", 429: "操作过于频繁", 503: "系统繁忙"}
FIELD_MESSAGES = {
    "Missing data for required field.": "此项必填。",
    "Field may not be null.": "此项不能为空。",
    "Unknown field.": "不认识的填写项。",
    "Not a valid string.": "应填写文字。",
    "Not a valid integer.": "应填写整数。",
    "Not a valid list.": "应为列表。",
    "Invalid value.": "填写的值无效。",
    "String does not match expected pattern.": "格式不对。",
    "Not a valid date.": "日期格式不对。",
    "Not a valid datetime.": "时间格式不对。",
    "Not a valid boolean.": "应为是或否。",
    "Not a valid mapping type.": "格式不对。",
    "Invalid input type.": "格式不对。",
    "The window ends before it starts (event_date_to is before event_date_from).":
        "结束日期早于起始日期，请重新选择年份范围。",
    "The window starts after today: no record can be in it.":
        "起始日期晚于今天，请重新选择年份范围。",
    "Use a partial ISO date of the years 1800..2100: YYYY, YYYY-MM or YYYY-MM-DD.":
        "日期应为1800年至2100年间的年份、年月或年月日，如 1975、1975-03、1975-03-08。",
}
#: what a field message no table knows becomes: a sentence a person can act on
UNKNOWN_FIELD_MESSAGE = "此项填写有误，请检查后重新填写。"
_CJK = re.compile(r"[\u3400-\u9fff]")
#: marshmallow's validator messages that carry numbers or choices
FIELD_PATTERNS = [
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "长度应在 {0} 到 {1} 之间。"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "至少 {0} 项（个字）。"),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "最多 {0} 项（个字）。"),
    (re.compile(r"^Length must be (\d+)\.$"), "长度应为 {0}。"),
    (re.compile(r"^Must be one of: (.*)\.$"), "应为以下之一：{0}。"),
    (re.compile(r"^Must be greater than or equal to (.*)\.$"), "应不小于 {0}。"),
    (re.compile(r"^Must be less than or equal to (.*)\.$"), "应不大于 {0}。"),
    (re.compile(r"^Not a possible date: .*\.$"), "没有这一天，请核对日期。"),
]


def speak_chinese(app: Flask, *blueprints: str, paths: tuple[str, ...] = ()) -> None:
    """Answer errors in Chinese on these blueprints, and under these URL prefixes (which
    also covers an unknown path or method there, where no blueprint matched)."""
    app.extensions.setdefault("liancha.chinese_blueprints", set()).update(blueprints)
    app.extensions.setdefault("liancha.chinese_paths", set()).update(paths)


def wanted() -> bool:
    if not has_request_context():
        return False
    if any(request.path.startswith(prefix)
           for prefix in current_app.extensions.get("liancha.chinese_paths", ())):
        return True
    chinese = current_app.extensions.get("liancha.chinese_blueprints", ())
    return request.blueprint is not None and request.blueprint.split(".")[0] in chinese


def field_message(message: str) -> str:
    if message in FIELD_MESSAGES:
        return FIELD_MESSAGES[message]
    for pattern, chinese in FIELD_PATTERNS:
        found = pattern.match(message)
        if found:
            return chinese.format(*found.groups())
    return message if _CJK.search(message) else UNKNOWN_FIELD_MESSAGE


def translate(status: int, error: object | None, errors: dict | None
              ) -> tuple[str, str, dict | None]:
    """(title, detail, errors) in Chinese; a field message no table knows is replaced by a
    general sentence (the English one stays in the hub's own API)."""
    detail = getattr(error, "zh", None) or BY_KIND.get(type(error).__name__) \
        or BY_STATUS.get(status) or "系统出了点问题，请稍后再试或联系工作人员。"
    fields = None
    if errors:
        fields = {path: [field_message(m) for m in messages]
                  for path, messages in errors.items()}
    return TITLES.get(status, "无法办理"), detail, fields
