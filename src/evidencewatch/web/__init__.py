"""The review web app; build it with :func:`evidencewatch.web.app.create_app`."""
