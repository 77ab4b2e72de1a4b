"""Examples of the marketplace pull's files for the OpenAPI schema.

Each is what the format's writer makes of the feed's example document
(``publishing.feed.serializers.EXAMPLE_DOCUMENT``) on a marketplace channel
``google-fi`` (Finnish, feed label FI); tests/feed/test_schema.py pulls the
real files for that document and compares their structure with these, so
the examples follow the writers. XLSX is binary and has none.
"""

from drf_spectacular.utils import OpenApiExample

GOOGLE_XML = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<rss xmlns:g="http://base.google.com/ns/1.0" version="2.0"><channel><title>Google-Fi FI (fi)</title>'
    "<link>http://127.0.0.1:8000/</link><description>google-fi fi FI</description><language>fi</language>\n"
    "<item><g:id>DRILL-18V</g:id><g:title>Akkuporakone 18 V</g:title>"
    "<g:description>Kahden vaihteen akkuporakone.</g:description>"
    "<g:link>http://127.0.0.1:8000/fi/p/akkuporakone-18-v/</g:link>"
    "<g:image_link>http://127.0.0.1:8000/media/images/3f2a.jpg</g:image_link>"
    "<g:availability>in_stock</g:availability><g:price>129.00 EUR</g:price><g:brand>Nordtool</g:brand>"
    "<g:condition>new</g:condition><g:google_product_category>1167</g:google_product_category>"
    "<g:product_type>Työkalut &gt; Porakoneet</g:product_type><g:shipping_weight>1450 g</g:shipping_weight>"
    "<g:gtin>6410000000018</g:gtin></item>\n"
    "</channel></rss>"
)
GOOGLE_TSV = (
    "id\ttitle\tdescription\tlink\timage_link\tadditional_image_link\tavailability\tavailability_date\tprice\t"
    "sale_price\tsale_price_effective_date\tbrand\tgtin\tmpn\tidentifier_exists\tcondition\t"
    "google_product_category\tproduct_type\titem_group_id\tcolor\tsize\tmaterial\tpattern\tgender\tage_group\t"
    "shipping_weight\n"
    "DRILL-18V\tAkkuporakone 18 V\tKahden vaihteen akkuporakone.\thttp://127.0.0.1:8000/fi/p/akkuporakone-18-v/\t"
    "http://127.0.0.1:8000/media/images/3f2a.jpg\t\tin_stock\t\t129.00 EUR\t\t\tNordtool\t6410000000018\t\t\tnew\t"
    "1167\tTyökalut > Porakoneet\t\t\t\t\t\t\t\t1450 g\n"
)
LOCAL_INVENTORY = "store_code\tid\tavailability\tquantity\tprice\nkamppi\tDRILL-18V\tin_stock\t7\t129.00 EUR\n"
META_CSV = (
    "id,title,description,availability,condition,price,link,image_link,brand,google_product_category,"
    "product_type,sale_price,sale_price_effective_date,item_group_id,color,size,material,pattern,gender,"
    "age_group,gtin,mpn,additional_image_link,quantity_to_sell_on_facebook,shipping_weight,status\n"
    "DRILL-18V,Akkuporakone 18 V,Kahden vaihteen akkuporakone.,in stock,new,129.00 EUR,"
    "http://127.0.0.1:8000/fi/p/akkuporakone-18-v/,http://127.0.0.1:8000/media/images/3f2a.jpg,Nordtool,1167,"
    "Työkalut > Porakoneet,,,,,,,,,,6410000000018,,,7,1450 g,active\n"
)
CHANNEL_CSV = (
    "\ufeffSKU,Päätuotteen SKU,Nimi,Tuotemerkki,GTIN,MPN,Kategoria,Hinta,Alennushinta,Valuutta,Sisältää ALV:n,"
    "Saatavuus,Määrä,Linkki,Lyhyt kuvaus,Jännite\r\n"
    "DRILL-18V,,Akkuporakone 18 V,Nordtool,6410000000018,,Työkalut > Porakoneet,129.00,,EUR,kyllä,Varastossa,7,"
    "http://127.0.0.1:8000/fi/p/akkuporakone-18-v/,Kevyt ja tehokas.,18 V\r\n"
)

# {format code: (media type, example text)}
SAMPLES = {
    "google-xml": ("application/xml", GOOGLE_XML),
    "google-tsv": ("text/tab-separated-values", GOOGLE_TSV),
    "local-inventory": ("text/tab-separated-values", LOCAL_INVENTORY),
    "meta-csv": ("text/csv", META_CSV),
    "csv": ("text/csv", CHANNEL_CSV),
}


def examples_for(media_type):
    """The 200 examples of one media type of the pull."""
    return [
        OpenApiExample(code, summary=f"/feeds/google-fi/fi/{code}", value=text, media_type=media_type,
                       response_only=True, status_codes=["200"])
        for code, (kind, text) in SAMPLES.items() if kind == media_type
    ]
