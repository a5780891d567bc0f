"""Screenshots of screens as an integration user, small enough for the README's images."""

from .browser_capture import capture, save

PNG_LIMIT = 300 * 1024


class ScreenshotMixin:
    """For an ``HttpCase`` whose class sets ``cids`` (the companies the screens show)."""

    def capture(self, url, ready, height=800):
        """A PNG of ``url`` seen by an integration user once ``ready`` (JS) holds."""
        image = capture(self, url, ready, "int_user", cids=self.cids, height=height)
        self.assertLess(len(image), PNG_LIMIT, f"{url}: keep README images small")
        return image

    def save(self, name, image):
        """Write ``image`` into the README's image folder when one is named."""
        save(name, image)
