"""Soridam (소리담): open-source customer care, from intake to follow-up."""
