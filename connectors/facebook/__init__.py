"""Meta (Facebook) Ads."""
