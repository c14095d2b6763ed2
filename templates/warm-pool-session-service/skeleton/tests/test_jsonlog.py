import json
import logging
import unittest

from session_common.jsonlog import JsonFormatter


class JsonFormatterTest(unittest.TestCase):
    def test_a_record_is_one_json_object_with_its_extra_fields(self):
        record = logging.LogRecord("session_provisioner", logging.INFO, __file__, 1, "session %s", ("assigned",), None)
        record.fields = {"session": "abc", "pod": "p-1"}
        entry = json.loads(JsonFormatter().format(record))
        self.assertEqual(
            {k: entry[k] for k in ("level", "logger", "message", "session", "pod")},
            {"level": "info", "logger": "session_provisioner", "message": "session assigned", "session": "abc", "pod": "p-1"},
        )
        self.assertIn("time", entry)


if __name__ == "__main__":
    unittest.main()
