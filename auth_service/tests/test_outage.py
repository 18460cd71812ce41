from auth_service import create_app
from auth_service.config import Config


def test_unreachable_database_is_a_503_the_caller_can_retry(redis_url, tmp_path):
    class Unreachable(Config):
        TESTING = True
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/no-such-folder/auth.db"
        REDIS_URL = redis_url

    client = create_app(Unreachable).test_client()
    response = client.post("/auth/login", json={"username": "99939999", "password": "whatever"})
    assert response.status_code == 503
    assert response.json["error"]["code"] == "try_again_shortly"
    assert response.headers["Retry-After"] == "5"
    assert client.get("/readyz").status_code == 503
