"""What the app says to a citizen, in Chinese: why a field is refused, what each step is.

The services' field messages are in English, for every surface; on the app each field a
citizen can get wrong gets one sentence telling them what to do instead.
"""

from collections.abc import Mapping

from runtime.errors import InvalidInput

SUBJECT_FROM_TOKEN = "查询和申请只能针对您本人，身份取自您的登录信息，请不要填写 subject。"
SIGN_IN_AGAIN = "身份验证未通过或已过期，请在手机应用中重新登录。"
NOT_A_CITIZEN = "手机应用仅供市民本人登录使用；工作人员请使用档案馆工作台办理。"

CERTIFICATE_FIELDS = {
    "query_id": "没有找到这次查询，请先查询您的档案，再从查询结果中申请证明。",
    "record_ids": "所选记录须是这次查询结果中您本人的记录，且由同一家档案馆保存；"
                  "不同档案馆保存的记录请分别申请证明。",
    "subject.name": "您的姓名中有证明上无法打印的字，证明未能出具，请到档案馆窗口办理。",
}
APPLICATION_FIELDS = {
    "query_id": "这次查询没有需要工作人员核实的档案，或已核实完毕；请重新查询您的档案。",
    "receiving_archive": "请从档案馆列表中选择受理档案馆。",
    "holding_archives": "请从档案馆列表中选择需要查找的档案馆。",
}

STEP_LABELS = {"apply": "申请", "accept": "受理", "assist": "协办", "complete": "办结"}
ACTION_LABELS = {"apply": "提交申请", "accept": "受理", "assist": "协办答复",
                 "decline": "不予协办", "complete": "办结", "refuse": "不予办理"}
SELF = "本人"
NATIONAL_PLATFORM = "全国档案查询利用服务平台"
KIOSK = "自助查询机"
UNKNOWN_ACTOR = "档案馆"


def in_chinese(error: InvalidInput, sentences: Mapping[str, str]) -> InvalidInput:
    """The same refusal, each known field's messages replaced by its Chinese sentence."""
    return InvalidInput({field: [sentences[field]] if field in sentences else messages
                         for field, messages in error.errors.items()})
