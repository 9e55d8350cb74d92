"""The e-mail channel: IMAP in, SMTP out. The worked example every other channel copies."""
