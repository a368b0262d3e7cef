"""What the invitation tests share: the sign-up password and the link in the invitation email."""

import re

PASSWORD = "a sturdy passphrase 1977"
LINK = re.compile(r"(https?://[^/\s]+)/invitations/([A-Za-z0-9_-]+)/")
