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
    clerks = [(callers.administrator, f"{archives[0]['name']}管理员", [(first, "admin")])]
    for archive in archives:
        code, name = archive["code"], archive["name"]
        clerks.append((callers.receiving_clerk(code), f"{name}受理员", [(code, "receiving")]))
        clerks.append((callers.holding_clerk(code), f"{name}协办员", [(code, "holding")]))
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
