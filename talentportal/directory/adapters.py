from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from .mfa import secret_decrypt, secret_encrypt
from .permissions import requires_mfa
from .services import profile_ensure


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_ensure(user=user)
        return user


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        # Staff roles cannot switch their second factor off.
        return not requires_mfa(authenticator.user)

    # TOTP secrets and recovery-code seeds are stored encrypted (MFA_ENCRYPTION_KEYS).
    def encrypt(self, text: str) -> str:
        return secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secret_decrypt(encrypted_text)
