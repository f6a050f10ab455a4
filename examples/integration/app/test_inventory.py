import unittest

import inventory


class InventoryTest(unittest.TestCase):
    def setUp(self):
        self.conn = inventory.connect()
        inventory.create_schema(self.conn)
        with self.conn.cursor() as cur:
            cur.execute("TRUNCATE items")
        self.conn.commit()

    def tearDown(self):
        self.conn.close()

    def test_adding_twice_sums_the_counts(self):
        self.assertEqual(inventory.add(self.conn, "bolts", 3), 3)
        self.assertEqual(inventory.add(self.conn, "bolts", 4), 7)

    def test_total_counts_every_item(self):
        inventory.add(self.conn, "bolts", 2)
        inventory.add(self.conn, "nuts", 5)
        self.assertEqual(inventory.total(self.conn), 7)

    def test_the_database_is_postgresql(self):
        with self.conn.cursor() as cur:
            cur.execute("SELECT version()")
            self.assertIn("PostgreSQL", cur.fetchone()[0])


if __name__ == "__main__":
    unittest.main()
