"""`postlint serve`: the same checks as `postlint check`, on a local web page.

Social media managers write posts in a browser, not in a terminal. This package serves one
page (compose a draft and see its findings as you type; open a folder or queue and review,
approve and edit its posts) from the user's own machine; nothing is sent anywhere.

One module per concern:
  workspace.py  the files under PATH: safe path resolution, listing, reading and writing drafts
  service.py    what the page asks postlint: check a text, check a queue, approve, events
  security.py   ASGI middleware: Host/Origin (DNS rebinding), token, body cap, headers
  app.py        the Starlette application: routes, JSON errors, the page and its assets
  server.py     bind a socket, print the address, run uvicorn
  static/       the page, its CSS and its JavaScript (served by the app; nothing external)

Starlette and uvicorn are imported only here, and this package only by `postlint serve`, so
`postlint check` starts as fast as before.
"""
