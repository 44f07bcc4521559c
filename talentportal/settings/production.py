"""Production: differs from base only through environment variables."""

from .base import *  # noqa: F403
from .base import env, env_bool, env_list

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# How many proxies in front of gunicorn append to X-Forwarded-For (the TLS proxy of
# docker-compose.yml: 1). Sign-in rate limits then count the address the outermost of them saw,
# so people behind the proxy are limited one by one, not all together. Unset (0), the limits
# count REMOTE_ADDR and ignore the header, so a forged one cannot dodge them; never set it
# higher than the proxies that really append, or clients choose their own address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("ALLAUTH_TRUSTED_PROXY_COUNT", "0"))

if not env("SECRET_KEY"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY in the environment for production.")

# Two-factor secrets are encrypted with these (talentportal/directory/mfa.py): never derived.
try:
    from cryptography.fernet import Fernet

    if not [Fernet(key) for key in env_list("MFA_ENCRYPTION_KEYS")]:
        raise ValueError
except ValueError:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Set MFA_ENCRYPTION_KEYS in the environment for production: Fernet keys, comma-"
        "separated, newest first (make one with: python -c 'from cryptography.fernet import "
        "Fernet; print(Fernet.generate_key().decode())')."
    ) from None
