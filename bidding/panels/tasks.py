"""Celery entry points of bidding.panels (imported by BiddingConfig.ready())."""
