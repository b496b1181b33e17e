"""One module per platform, each naming its connector ``CONNECTOR`` (see ``connectors.base``)."""
