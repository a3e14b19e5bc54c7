"""Errors meant for the user: they say what was wrong, where, and what to do."""


class EdgecloudError(Exception):
    """A problem the user can fix (bad params, missing upstream, no data, offline hub, ...)."""


class ParamsError(EdgecloudError):
    """A params file or --set override that does not fit the schema."""


class UpstreamMissing(EdgecloudError):
    """A stage was started before the stage whose artifacts it reads."""


class DataError(EdgecloudError):
    """Raw data that cannot make the requested dataset (no accepted records, too few for the split)."""
