"""Celery entry points of bidding.award (imported by BiddingConfig.ready())."""
