"""The Fediverse's kinds of background work on the job engine, declared beside their
handlers and imported here so that the engine finds them (``jobs`` imports every app's
``background`` module):

- ``federation.deliver`` (``fanout``): Outgoing rows, one activity to one inbox, streamed
  with a few connections per server and Mastodon's retry schedule;
- ``federation.check_incoming`` (``incoming``): inbox requests whose signer's key must be
  fetched before they can be checked and handled.
"""

from rathaus.federation.fanout import OUTGOING
from rathaus.federation.incoming import CHECK

__all__ = ["CHECK", "OUTGOING"]
