"""xlwings Server authentication providers of the xl-pib project: ``token`` (see ``auth/token``).

xlwings Server imports a provider named in ``XLWINGS_AUTH_PROVIDERS`` as ``auth.<name>`` from the
project folder first (its custom-provider mechanism), then from its own package: ``entraid``
is xlwings Server's, and is not overridden here.
"""
