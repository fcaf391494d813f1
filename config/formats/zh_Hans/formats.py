"""Simplified Chinese formats: Django's, with the thousands grouping that procurement documents
use for amounts (1,250,000.00 元), not Django's empty separator."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403 - extend Django's formats

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
