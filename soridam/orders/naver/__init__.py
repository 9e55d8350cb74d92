"""The Naver Commerce (SmartStore) order connector."""
