"""Celery entry points of bidding.negotiation (imported by BiddingConfig.ready())."""
