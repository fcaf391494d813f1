"""Settings of the bid_upload benchmark's server: the platform's, with benchmarks._plain_upload as
the URLconf (the platform's URLs plus the baseline's plain upload view, which exists only here)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks._plain_upload"
