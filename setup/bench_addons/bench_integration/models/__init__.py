from . import bench_handler_partner_touch
