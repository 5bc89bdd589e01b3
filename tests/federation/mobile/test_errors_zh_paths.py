"""An unknown path or method under the app's API is answered in Chinese too."""


def test_an_unknown_path_under_the_app_api_is_answered_in_chinese(federation) -> None:
    response = federation.hub.get("/mobile/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["detail"] == "没有找到您要的内容。"


def test_the_developer_api_stays_in_english(federation) -> None:
    response = federation.hub.get("/api/v1/nothing-here")
    assert response.status_code == 404 and "没有" not in response.json.get("detail", "")
