"""An invented seal for the tests and the demo: a red ring, a star and a name around nothing real."""
import io


def seal_png(size: int = 600, *, transparent: bool = True, mode: str = "RGBA") -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (size, size), (255, 255, 255, 0 if transparent else 255))
    draw = ImageDraw.Draw(image)
    red = (230, 0, 18, 235)
    ring = size // 28
    draw.ellipse((ring, ring, size - ring, size - ring), outline=red, width=ring)
    c, r = size / 2, size * 0.16
    points = []
    for k in range(10):
        import math
        radius = r if k % 2 == 0 else r * 0.38
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((c + radius * math.cos(angle), c * 0.95 + radius * math.sin(angle)))
    draw.polygon(points, fill=red)
    out = io.BytesIO()
    (image if mode == "RGBA" else image.convert(mode)).save(out, "PNG")
    return out.getvalue()
