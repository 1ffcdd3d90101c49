"""What every API answer must look like, whatever was asked."""

ERROR_KEYS = {"error", "message"}


def assert_clean_answer(response) -> None:
    """A 2xx with JSON, or a 4xx in Chatwoot's error shape {"error", "message"[, "field"]}."""
    where = f"{response.request.method} {response.request.url}: {response.status_code} {response.text[:300]}"
    assert 200 <= response.status_code < 300 or 400 <= response.status_code < 500, where
    assert response.headers.get("content-type", "").startswith("application/json"), where
    answer = response.json()
    if response.status_code >= 400:
        assert isinstance(answer, dict) and ERROR_KEYS <= set(answer) <= ERROR_KEYS | {"field"}, where
        assert all(isinstance(value, str) and value for value in answer.values()), where
