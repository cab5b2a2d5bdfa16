"""YouTube, paid through Google Ads video campaigns."""
