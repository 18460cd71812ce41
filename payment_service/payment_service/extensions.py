from flask_sqlalchemy import SQLAlchemy

from billpay_common.redis_client import RedisExtension

db = SQLAlchemy()
redis_ext = RedisExtension()
