"""X (Twitter) Ads."""
