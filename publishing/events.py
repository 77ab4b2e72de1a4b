"""Publishing events other parts subscribe to (webhooks, caches).

``snapshots_stamped`` is sent after the transaction that gave snapshots their
feed sequence numbers has committed: sender=Channel, snapshots=[ProductSnapshot].
"""

from django.dispatch import Signal

snapshots_stamped = Signal()
