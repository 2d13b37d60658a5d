from ninja import NinjaAPI

api = NinjaAPI(title="Dangjian API", version="1")
