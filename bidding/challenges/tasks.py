"""Celery entry points of bidding.challenges (imported by BiddingConfig.ready())."""
