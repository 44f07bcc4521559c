"""Encrypt the TOTP secrets and recovery-code seeds allauth stored in plain text.

Idempotent: values already encrypted (talentportal.directory.mfa.PREFIX) are left alone, so
running it again, or after some secrets were written encrypted, changes nothing. Reversible:
going back decrypts them (the keys in MFA_ENCRYPTION_KEYS must still open them).
"""

from django.db import migrations


def _rewrite(apps, transform):
    from talentportal.directory.mfa import authenticator_data_map

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.order_by("pk").iterator():
        data = authenticator_data_map(authenticator.data, transform)
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt(apps, schema_editor):
    from talentportal.directory.mfa import secret_encrypt, secret_is_encrypted

    _rewrite(apps, lambda v: v if secret_is_encrypted(v) else secret_encrypt(v))


def decrypt(apps, schema_editor):
    from talentportal.directory.mfa import secret_decrypt, secret_is_encrypted

    _rewrite(apps, lambda v: secret_decrypt(v) if secret_is_encrypted(v) else v)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_equality_snapshot"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
