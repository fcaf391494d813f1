"""Celery entry points of bidding.evaluation (imported by BiddingConfig.ready())."""
