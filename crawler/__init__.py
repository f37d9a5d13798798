"""Scrapy spiders and pipelines that collect news, union and government documents."""
