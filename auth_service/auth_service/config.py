from billpay_common.config import BaseConfig, database_url, env, env_int


class Config(BaseConfig):
    SERVICE_NAME = "auth_service"
    API_TITLE = "Bill Pay auth_service"
    SQLALCHEMY_DATABASE_URI = database_url("auth_service")
    ACCESS_TOKEN_TTL_SECONDS = env_int("ACCESS_TOKEN_TTL_SECONDS", 900)
    LOCKOUT_THRESHOLD = env_int("LOGIN_LOCKOUT_THRESHOLD", 10)
    LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30)
    # argon2id; the library defaults (t=3, m=64 MiB, p=4) exceed OWASP's minimum. Lower only in tests.
    ARGON2_TIME_COST = env_int("ARGON2_TIME_COST", 3)
    ARGON2_MEMORY_COST = env_int("ARGON2_MEMORY_COST", 65536)
    ARGON2_PARALLELISM = env_int("ARGON2_PARALLELISM", 4)
    OFFICE_PHONE = env("OFFICE_PHONE", "1-844-837-5321")
