from allauth.account.adapter import DefaultAccountAdapter


class NoSignupAdapter(DefaultAccountAdapter):
    """Staff accounts are created by office admins, never by self-registration."""

    def is_open_for_signup(self, request) -> bool:
        return False
