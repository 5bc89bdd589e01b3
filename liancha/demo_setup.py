"""The demo's registered callers, made once in the hub's database before it starts: a
receiving and a holding clerk for every archive and an administrator of the first, a kiosk
in the first archive's service hall, and a national platform client whose callbacks go to
the demo's stand-in sink. Each is made only if it is not there yet."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

DEMO_PASSWORD = "liancha-demo"
KIOSK_DEVICE = "LZ-HALL-01"
KIOSK_LOCATION = "泸州市政务服务中心一楼"
PLATFORM_CLIENT = "national-platform"
PLATFORM_NAME = "全国档案查询利用服务平台（演示）"
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林"
GIVEN_NAMES = "芳伟静强敏磊丽军洋艳勇娟杰霞涛燕明玲超婷"


@dataclass(frozen=True)
class DemoCallers:
    receiving_archive: str  # where the kiosk stands and the administrator works
    kiosk_key: Path
    platform_key: Path

    @staticmethod
    def receiving_clerk(code: str) -> str:
        return f"shouli-{code}"

    @staticmethod
    def holding_clerk(code: str) -> str:
        return f"xiezhu-{code}"

    @property
    def administrator(self) -> str:
        return f"guanli-{self.receiving_archive}"


def prepare_callers(root: Path, database_url: str, archives: list[dict],
                    sink_url: str) -> DemoCallers:
    from accounts.clerks import create_clerk, get_clerk
    from accounts.kiosks import device_key, register_device
    from accounts.models import PlatformClient
    from federation.storage import hub_session
    from liancha.demo import prepare_keys

    first = archives[0]["code"]
    callers = DemoCallers(first, prepare_keys(root / "keys" / "kiosk") / "private.pem",
                          prepare_keys(root / "keys" / "platform") / "private.pem")
    names = iter(clerk_names(2 * len(archives) + 1))
    clerks = [(callers.administrator, next(names), [(first, "admin")])]
    for archive in archives:
        code = archive["code"]
        clerks.append((callers.receiving_clerk(code), next(names), [(code, "receiving")]))
        clerks.append((callers.holding_clerk(code), next(names), [(code, "holding")]))
    with hub_session(database_url, upgrade=True) as session:
        for username, display_name, roles in clerks:
            if get_clerk(session, username) is None:
                create_clerk(session, username, display_name, DEMO_PASSWORD, roles,
                             actor="operator:demo")
        if device_key(session, KIOSK_DEVICE) is None:
            register_device(session, KIOSK_DEVICE, first, KIOSK_LOCATION,
                            _public_pem(callers.kiosk_key), {a["code"] for a in archives},
                            actor="operator:demo")
        _register_platform(session, callers.platform_key, sink_url, PlatformClient)
    return callers


def clerk_names(count: int) -> list[str]:
    """People's names for the demo's clerks, as colleagues and the request's history show
    them (泸州市档案馆 受理人员 王芳): the page already names the archive and the post."""
    return [SURNAMES[i % len(SURNAMES)] + GIVEN_NAMES[(i // len(SURNAMES) + i)
                                                      % len(GIVEN_NAMES)]
            for i in range(count)]


def _register_platform(session: Session, key: Path, sink_url: str, model: type) -> None:
    from accounts.platform import register_client

    client = session.get(model, PLATFORM_CLIENT)
    if client is None:
        register_client(session, PLATFORM_CLIENT, PLATFORM_NAME, _public_pem(key),
                        f"{sink_url}/callbacks", actor="operator:demo",
                        allow_private=True)  # the demo's stand-in platform is on loopback
    elif client.callback_url != f"{sink_url}/callbacks":  # the sink moved (--sink-port)
        client.callback_url = f"{sink_url}/callbacks"
        session.commit()


def _public_pem(private_key: Path) -> str:
    return (private_key.parent / "public.pem").read_text("utf-8")
