"""What the workbench pages call things, in Chinese, and how they tell a clerk what went
wrong and what to do next."""

from casework.views import STATE_LABELS
from certificates.wording import RECORD_TYPE_WORDS
from runtime import chinese
from runtime.errors import DomainError

ROLE_WORDS = {"receiving": "受理", "holding": "协办", "admin": "管理员"}
STATE_WORDS = STATE_LABELS
KIND_WORDS = RECORD_TYPE_WORDS
STATE_FILTER_WORDS = {"applied": "待受理", "accepted": "协办中", "completed": "已办结",
                      "refused": "不予办理"}
CHANNEL_WORDS = {"counter": "窗口", "kiosk": "自助机", "app": "手机应用", "national": "全国平台"}
ACTION_WORDS = {"apply": "申请", "accept": "受理", "assist": "协办查档", "decline": "不予协办",
                "complete": "办结", "refuse": "不予办理"}
REFUSED_AT_ONCE = "不予受理"  # a refusal before acceptance, as its button says
OTHER_STEP = "其他操作"
POST_WORDS = {"receiving": "受理人员", "holding": "协办人员", "admin": "管理员"}
APPLICANT_SELF = "申请人本人"
KIOSK = "自助查询机"
NATIONAL_PLATFORM = "全国档案查询利用服务平台"
OTHER_ACTOR = "系统"
DONE_WORDS = {"apply": "申请已登记。", "accept": "已受理。", "assist": "协办答复已提交。",
              "complete": "已办结。", "refuse": "已不予办理，理由已记录。",
              "decline": "已不予协办，理由已记录。",
              "decide": "核实结论已记录；申请人此后查询时将据此显示。"}
RELATION_WORDS = {"self": "本人", "child": "子女", "spouse": "配偶", "parent": "父母",
                  "lawyer": "律师", "other": "其他受托人"}
DOCUMENT_WORDS = {"id_card": "居民身份证", "letter_of_authorization": "授权委托书",
                  "kinship_proof": "亲属关系证明", "court_order": "法院文书",
                  "identity_verified": "身份已核验", "other": "其他材料"}
NODE_STATUS_WORDS = {"ok": "已答复", "timeout": "超时", "error": "出错", "unavailable": "无法连接",
                     "skipped": "未检索", "not_held": "索引核对无记载"}
FIELD_WORDS = {
    "subject": "查档对象", "subject.name": "查档对象姓名",
    "subject.id_number": "查档对象身份证号", "applicant.name": "申请人姓名",
    "applicant.id_number": "申请人身份证号", "applicant.relation": "申请人与查档对象关系",
    "purpose": "查档用途", "note": "备注", "reason": "理由", "record_types": "档案类别",
    "holding_archives": "协办档案馆", "documents": "证明材料", "archive": "档案馆",
    "username": "用户名", "password": "密码", "outcome": "协办结果",
}
FIELD_HINTS = {  # what to do, where a service's English message would not help a clerk
    "query_id": "请先点“检索”，再依据检索结果办理。",
    "record_ids": "请勾选本馆查到的档案；如本馆没有查到，请选择“未查到”。",
    "documents": "请至少登记一项申请人的身份或授权证明材料。",
    "subject": "请填写查档对象的姓名和身份证号。",
    "reason": "请填写理由（将记入办理记录并告知申请人），不超过1000字。",
    "subject.name": "请按档案记载核对查档对象姓名；如证明无法打印该字，请联系平台管理员。",
}
CSRF_FAILED = "页面已过期或来源无法确认，本次操作未执行。请返回上一页，刷新后重新操作。"
LOGIN_FAILED = "用户名或密码错误，或账号已停用。"
LOGIN_THROTTLED = "登录失败次数过多，请{minutes}分钟后再试。"
ARCHIVE_CHOICE = "您在多个档案馆有岗位，请选择本次工作的档案馆后重新登录。"
NOT_FOUND = "没有找到这个页面。"
SEARCH_GONE = "没有找到这次检索，请重新检索。"
SERVER_FAILED = "系统出了点问题，本次操作可能未完成。请刷新页面核对后再试，或联系平台管理员。"
DATABASE_AWAY = "系统暂时无法访问数据库，本次操作可能未完成。请稍等几秒，刷新页面核对后再试。"


def field_messages(errors: dict[str, list[str]] | None) -> list[str]:
    """One Chinese line per field in error."""
    lines = []
    for path, messages in (errors or {}).items():
        base = path.split(".", 1)[0]
        hint = FIELD_HINTS.get(path) or FIELD_HINTS.get(base)
        if hint:
            lines.append(hint)
            continue
        label = FIELD_WORDS.get(path) or FIELD_WORDS.get(base) or "填写项"
        said = [chinese.FIELD_MESSAGES[m] for m in messages if m in chinese.FIELD_MESSAGES]
        lines.append(f"{label}：{said[0] if said else '填写有误，请核对。'}")
    return lines


def error_lines(error: DomainError) -> list[str]:
    """A domain error as a clerk reads it: what happened, then each field to fix."""
    _, detail, _ = chinese.translate(error.status, error, None)
    return [detail, *field_messages(getattr(error, "errors", None))]
