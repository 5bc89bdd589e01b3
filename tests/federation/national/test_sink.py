"""The stand-in callback endpoint (`liancha platform sink`): it accepts the hub's signed
callbacks, refuses a forged one, and prints one line per status change."""

from datetime import UTC, datetime

from national_api.delivery import deliver_due
from national_api.sink import create_sink_app
from tests.federation.national.conftest import API, platform_on
from tests.live import serve


def test_the_sink_checks_signatures_and_prints_the_change(make_hub, tmp_path, capfd):
    app = make_hub()
    with serve(app) as hub_url:
        sink = create_sink_app(f"{hub_url}{API}/keys")
        with serve(sink) as sink_url:
            platform = platform_on(app, tmp_path, callback_url=f"{sink_url}/callbacks")
            number = platform.submit().get_json()["request_no"]
            session = platform.session()
            try:
                run = deliver_due(session, platform.settings.signing_key, datetime.now(UTC),
                                  1.0, 60.0, timeout_s=5, allow_private=True)
            finally:
                session.close()
            assert len(run.delivered) == 1 and not run.failed
            forged = sink.test_client().post("/callbacks", data=b'{"state": "completed"}',
                                             headers={"Liancha-Signature": "x.y.z"})
            assert forged.status_code == 401
    printed = capfd.readouterr().out
    assert f"{number} apply -> applied" in printed and "signature ok" in printed
    assert "refused a callback" in printed
