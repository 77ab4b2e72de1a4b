"""Publishing events other parts subscribe to (webhooks, caches).

``snapshots_stamped`` is sent after the transaction that gave snapshots their
feed sequence numbers has committed: sender=Channel, snapshots=a lazy
queryset of the stamped ProductSnapshot rows (without ``document``), in
``seq`` order — evaluated only by a receiver that reads it.
"""

from django.dispatch import Signal

snapshots_stamped = Signal()
