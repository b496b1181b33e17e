"""What the contract needs to know of each platform: how to connect the office's account to
its fake, how to read back what the platform holds, how to script its trouble in the
platform's own shape, and the few ways the platforms differ (Instagram takes image posts
only; Facebook, Instagram and LinkedIn don't thread; Telegram has no alt text, reads its
Retry-After from the answer's body and names every message of an album; the cursors are
ids, times or update numbers). One entry per fake in tests/fakes/."""

from tests.connectors.contract.messengers import TELEGRAM
from tests.connectors.contract.pages import FACEBOOK, INSTAGRAM, LINKEDIN
from tests.connectors.contract.social import BLUESKY, MASTODON, X
from tests.connectors.contract.table import each, image

PLATFORMS = [MASTODON, BLUESKY, X, FACEBOOK, INSTAGRAM, LINKEDIN, TELEGRAM]

__all__ = ["PLATFORMS", "each", "image"]
