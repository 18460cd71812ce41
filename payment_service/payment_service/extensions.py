from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from billpay_common.redis_client import RedisExtension

db = SQLAlchemy()
migrate = Migrate()
redis_ext = RedisExtension()
