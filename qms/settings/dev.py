"""Development and the embedded demo (`make run`): DEBUG on, secret key generated into var/."""

from qms import env

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = env.get_bool("DEBUG", True)
SECRET_KEY = env.get("SECRET_KEY") or env.development_secret_key(VAR_DIR)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
