"""Celery entry points of contract financing: none. An application has no legal deadline (the bank
decides in its own time, the supplier may withdraw while it waits), so nothing is scheduled; the
module stays so that ContractsConfig.ready() imports every sub-package's tasks alike."""
