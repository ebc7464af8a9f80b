"""One page in PAGE XML and in ALTO, written for these tests."""

# One page as an HTR tool would describe it (our own text): the dateline block comes last
# in the file but first in the reading order, in both formats.
PAGE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
  <Metadata><Creator>test</Creator><Created>2026-11-22T00:00:00</Created><LastChange>2026-11-22T00:00:00</LastChange></Metadata>
  <Page imageFilename="folio_12.png" imageWidth="1200" imageHeight="1600">
    <ReadingOrder>
      <OrderedGroup id="ro1">
        <RegionRefIndexed index="1" regionRef="r_body"/>
        <RegionRefIndexed index="0" regionRef="r_date"/>
      </OrderedGroup>
    </ReadingOrder>
    <TextRegion id="r_body">
      <Coords points="100,300 1100,300 1100,500 100,500"/>
      <TextLine id="l1">
        <Coords points="100,300 1000,300 1000,360 100,360"/>
        <Word id="w1"><Coords points="100,300 300,300 300,360 100,360"/><TextEquiv conf="0.97"><Unicode>Товарищу</Unicode></TextEquiv></Word>
        <Word id="w2"><Coords points="320,300 600,300 600,360 320,360"/><TextEquiv conf="0.41"><Unicode>Молотову</Unicode></TextEquiv></Word>
        <TextEquiv><Unicode>Товарищу Молотову</Unicode></TextEquiv>
      </TextLine>
      <TextLine id="l2">
        <Coords points="100,380 1000,380 1000,440 100,440"/>
        <TextEquiv><Unicode>Прошу рассмотреть проект ответа.</Unicode></TextEquiv>
      </TextLine>
    </TextRegion>
    <TextRegion id="r_date">
      <Coords points="700,100 1100,100 1100,160 700,160"/>
      <TextLine id="l0">
        <Coords points="700,100 1100,100 1100,160 700,160"/>
        <TextEquiv><Unicode>Москва, 3 мая 1952 г.</Unicode></TextEquiv>
      </TextLine>
    </TextRegion>
  </Page>
</PcGts>
"""

ALTO_XML = """<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">
  <Description>
    <MeasurementUnit>pixel</MeasurementUnit>
    <sourceImageInformation><fileName>folio_12.png</fileName></sourceImageInformation>
  </Description>
  <ReadingOrder>
    <OrderedGroup ID="ro1">
      <ElementRef ID="e0" REF="b_date"/>
      <ElementRef ID="e1" REF="b_body"/>
    </OrderedGroup>
  </ReadingOrder>
  <Layout>
    <Page ID="p1" WIDTH="1200" HEIGHT="1600" PHYSICAL_IMG_NR="1">
      <PrintSpace>
        <TextBlock ID="b_body" HPOS="100" VPOS="300" WIDTH="1000" HEIGHT="200">
          <TextLine HPOS="100" VPOS="300" WIDTH="900" HEIGHT="60">
            <String CONTENT="Товарищу" HPOS="100" VPOS="300" WIDTH="200" HEIGHT="60" WC="0.97"/>
            <SP/>
            <String CONTENT="Молотову" HPOS="320" VPOS="300" WIDTH="280" HEIGHT="60" WC="0.41"/>
          </TextLine>
          <TextLine HPOS="100" VPOS="380" WIDTH="900" HEIGHT="60">
            <String CONTENT="Прошу" HPOS="100" VPOS="380" WIDTH="150" HEIGHT="60"/><SP/>
            <String CONTENT="рассмотреть" HPOS="270" VPOS="380" WIDTH="280" HEIGHT="60"/><SP/>
            <String CONTENT="проект" HPOS="570" VPOS="380" WIDTH="170" HEIGHT="60"/><SP/>
            <String CONTENT="ответа." HPOS="760" VPOS="380" WIDTH="200" HEIGHT="60"/>
          </TextLine>
        </TextBlock>
        <TextBlock ID="b_date" HPOS="700" VPOS="100" WIDTH="400" HEIGHT="60">
          <TextLine HPOS="700" VPOS="100" WIDTH="400" HEIGHT="60">
            <String CONTENT="Москва," HPOS="700" VPOS="100" WIDTH="120" HEIGHT="60"/><SP/>
            <String CONTENT="3" HPOS="830" VPOS="100" WIDTH="20" HEIGHT="60"/><SP/>
            <String CONTENT="мая" HPOS="860" VPOS="100" WIDTH="60" HEIGHT="60"/><SP/>
            <String CONTENT="1952" HPOS="930" VPOS="100" WIDTH="90" HEIGHT="60"/><SP/>
            <String CONTENT="г." HPOS="1030" VPOS="100" WIDTH="40" HEIGHT="60"/>
          </TextLine>
        </TextBlock>
      </PrintSpace>
    </Page>
  </Layout>
</alto>
"""
