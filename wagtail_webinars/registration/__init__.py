"""Registration ("Anmäl dig"): a part of the webinar app, with its models in
``wagtail_webinars.models.registrations``. Where what lives:

* ``services.py``: the rules (``register``, ``cancel``, promotion from the waiting list, the
  registration states, the session lock); where a registration is confirmed;
* ``mail.py``: the e-mail outbox (``queue_email``), its send task and the messages;
* ``reminders.py``: the reminder rule;
* ``forms.py``: the registration form; ``presentation.py``: what a page shows of it;
* ``views.py`` (HTML) and ``api_views.py`` (JSON): the two entrances;
* ``blocks.py``: ``RegistrationFormBlock`` for any page;
* ``signal_handlers.py``: the receivers, connected once from ``AppConfig.ready()``.
"""
